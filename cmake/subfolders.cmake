# hr_add_subfolders([NAME...]): adds the subfolders of the current source folder that have a
# CMakeLists.txt (only those named, in that order, when names are given), leaving out the product
# folders named in HR_SKIP. A product folder's tests and benchmarks live in folders of the same
# name under tests/ and bench/, so one HR_SKIP entry leaves out all three.
function(hr_add_subfolders)
  set(names ${ARGN})
  if(NOT names)
    file(GLOB names LIST_DIRECTORIES true RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}"
         "${CMAKE_CURRENT_SOURCE_DIR}/*")
    list(SORT names)
  endif()
  foreach(name IN LISTS names)
    set(dir "${CMAKE_CURRENT_SOURCE_DIR}/${name}")
    if(IS_DIRECTORY "${dir}" AND EXISTS "${dir}/CMakeLists.txt" AND NOT name IN_LIST HR_SKIP)
      add_subdirectory("${dir}")
    endif()
  endforeach()
endfunction()
